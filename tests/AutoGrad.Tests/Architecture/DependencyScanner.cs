using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace AutoGrad.Tests.Architecture;

/// <summary>One use of a member or type from code in one folder of an assembly's sources.</summary>
/// <param name="FromFolder">The folder (below the source root; "" for the root) of the method or type that uses it.</param>
/// <param name="From">The using method or type, for messages.</param>
/// <param name="Source">The type whose code uses it.</param>
/// <param name="Target">The member or type used.</param>
/// <param name="ToFolder">The folder it is written in, or null when it belongs to another assembly.</param>
public sealed record Dependency(string FromFolder, string From, Type Source, MemberInfo Target, string? ToFolder);

/// <summary>
/// Every dependency of an assembly's code, folder by folder: the types in signatures, fields and base types, and every
/// member and type named in method bodies (IL call/field/type tokens, lambdas and iterators included), each placed in the
/// source folder its portable PDB says it was written in. Doc comments and names in strings are not dependencies.
/// </summary>
public sealed class DependencyScanner
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly Assembly _assembly;
    private readonly string _sourceRoot;
    private readonly Dictionary<int, string> _methodFolders = new();   // method token → folder
    private readonly Dictionary<Type, string?> _typeFolders = new();
    private readonly Dictionary<string, string?> _fileFolders = new();   // "Tensor.cs" → "" (null when two folders have one)
    private readonly Dictionary<int, string> _typeDocFolders = new();   // type token → folder, for types without code (delegates)

    // The PDB record that names the files of a type none of whose methods has a body there (a delegate, an empty type):
    // https://github.com/dotnet/runtime/blob/main/docs/design/specs/PortablePdb-Metadata.md#type-definition-documents-c-and-vb-compilers
    private static readonly Guid s_typeDefinitionDocuments = new("932E74BC-DBA9-4478-8D46-0F32A7BAB3D3");

    /// <summary>Reads <paramref name="assembly"/>'s PDB; folders are taken below the path segment <paramref name="sourceRoot"/> (e.g. "src/AutoGrad/").</summary>
    public DependencyScanner(Assembly assembly, string sourceRoot)
    {
        _assembly = assembly;
        _sourceRoot = "/" + sourceRoot.Trim('/') + "/";
        var pdb = Path.ChangeExtension(assembly.Location, ".pdb");
        if (!File.Exists(pdb)) throw new FileNotFoundException($"DependencyScanner: no portable PDB beside {assembly.Location}.", pdb);
        using var stream = File.OpenRead(pdb);
        using var provider = MetadataReaderProvider.FromPortablePdbStream(stream);
        var reader = provider.GetMetadataReader();
        foreach (var h in reader.Documents)
        {
            var path = reader.GetString(reader.GetDocument(h).Name);
            if (FolderOf(path) is not { } folder) continue;
            var file = Path.GetFileName(path.Replace('\\', '/'));
            _fileFolders[file] = _fileFolders.TryGetValue(file, out var seen) && seen != folder ? null : folder;
        }
        foreach (var h in reader.MethodDebugInformation)
        {
            var info = reader.GetMethodDebugInformation(h);
            DocumentHandle doc = info.Document;
            if (doc.IsNil)
                foreach (var sp in info.GetSequencePoints()) { doc = sp.Document; break; }
            if (doc.IsNil) continue;
            // A method written outside the root is recorded too, so its type is known to be outside rather than code-free.
            var folder = FolderOf(reader.GetString(reader.GetDocument(doc).Name));
            _methodFolders[MetadataTokens.GetToken(h.ToDefinitionHandle())] = folder ?? Outside;
        }
        foreach (var h in reader.CustomDebugInformation)
        {
            var info = reader.GetCustomDebugInformation(h);
            if (info.Parent.Kind != HandleKind.TypeDefinition || reader.GetGuid(info.Kind) != s_typeDefinitionDocuments) continue;
            var blob = reader.GetBlobReader(info.Value);
            if (blob.RemainingBytes == 0) continue;
            var doc = MetadataTokens.DocumentHandle(blob.ReadCompressedInteger());   // the first file that declares it
            _typeDocFolders[MetadataTokens.GetToken(info.Parent)] = FolderOf(reader.GetString(reader.GetDocument(doc).Name)) ?? Outside;
        }
    }

    // The folder recorded for code written outside the source root.
    private const string Outside = "\0outside";

    // "…/src/AutoGrad/Ops/MathOps.cs" → "Ops"; a file directly in the root → ""; outside the root → null.
    private string? FolderOf(string path)
    {
        path = path.Replace('\\', '/');
        int i = path.IndexOf(_sourceRoot, StringComparison.Ordinal);
        if (i < 0) return null;
        var rest = path[(i + _sourceRoot.Length)..];
        int slash = rest.IndexOf('/');
        return slash < 0 ? "" : rest[..slash];
    }

    /// <summary>The folder a member of this assembly is written in (a method's own file; a field or type by its type's methods).</summary>
    public string? FolderOf(MemberInfo m)
    {
        if (m.Module.Assembly != _assembly) return null;
        if (m is MethodBase mb && _methodFolders.TryGetValue(mb.MetadataToken, out var f)) return f == Outside ? null : f;
        return m is Type t ? TypeFolder(t) : m.DeclaringType is { } d ? TypeFolder(d) : null;
    }

    // A type lives in the file named after it (Tensor.cs, however many partial files it has); else where its methods are
    // (the first one found, nested compiler-generated types included); else, for a type without code (a delegate), in the
    // file the PDB names for it; else where its declaring type's code is; else in its namespace's folder.
    private string? TypeFolder(Type t)
    {
        if (t.IsGenericType && !t.IsGenericTypeDefinition) t = t.GetGenericTypeDefinition();
        if (_typeFolders.TryGetValue(t, out var cached)) return cached;
        var outer = t;
        while (outer.DeclaringType is { } d) outer = d;
        string outerName = outer.IsGenericType ? outer.Name[..outer.Name.IndexOf('`')] : outer.Name;
        string? folder = t.Assembly == _assembly && _fileFolders.TryGetValue(outerName + ".cs", out var named) ? named : null;
        folder ??= CodeFolder(t);
        if (folder is null && t.Assembly == _assembly && _typeDocFolders.TryGetValue(t.MetadataToken, out var declared)) folder = declared;
        for (var d = t.DeclaringType; folder is null && d is not null; d = d.DeclaringType) folder = CodeFolder(d);
        folder ??= NamespaceFolder(t.Namespace);
        if (folder == Outside) folder = null;
        _typeFolders[t] = folder;
        return folder;
    }

    // The folder of the first method of t or of its nested types that has a document.
    private string? CodeFolder(Type t)
    {
        foreach (var m in t.GetMethods(All).Cast<MethodBase>().Concat(t.GetConstructors(All)))
            if (_methodFolders.TryGetValue(m.MetadataToken, out var f)) return f;
        foreach (var n in t.GetNestedTypes(All))
            if (CodeFolder(n) is { } f) return f;
        return null;
    }

    // Fallback for code-free types: namespace A.B.C below the assembly's root namespace → folder "C"'s first segment.
    private string NamespaceFolder(string? ns)
    {
        var root = _assembly.GetName().Name!;
        if (ns is null || ns == root || !ns.StartsWith(root + ".", StringComparison.Ordinal)) return "";
        return ns[(root.Length + 1)..].Split('.')[0];
    }

    /// <summary>Every dependency of every type of the assembly whose code lies under the source root.</summary>
    public IEnumerable<Dependency> Dependencies()
    {
        foreach (var type in _assembly.GetTypes())
        {
            var typeFolder = TypeFolder(type);
            foreach (var used in TypesIn(type.BaseType).Concat(type.GetInterfaces().SelectMany(TypesIn)))
                if (typeFolder is not null) yield return Dep(typeFolder, type.FullName!, type, used);
            foreach (var field in type.GetFields(All))
                foreach (var used in TypesIn(field.FieldType))
                    if (typeFolder is not null) yield return Dep(typeFolder, $"{type.FullName}.{field.Name}", type, used);
            foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                var folder = _methodFolders.TryGetValue(method.MetadataToken, out var f) ? f : typeFolder;
                if (folder is null) continue;
                string name = $"{type.FullName}.{method.Name}";
                var signature = method.GetParameters().Select(p => p.ParameterType)
                    .Append(method is MethodInfo mi ? mi.ReturnType : typeof(void));
                foreach (var used in signature.SelectMany(TypesIn)) yield return Dep(folder, name, type, used);
                foreach (var used in BodyReferences(method)) yield return Dep(folder, name, type, used);
            }
        }
    }

    private Dependency Dep(string fromFolder, string from, Type source, MemberInfo target) => new(fromFolder, from, source, target, FolderOf(target));

    // A type and everything it is built from: generic arguments, array and by-ref element types.
    private static IEnumerable<Type> TypesIn(Type? t)
    {
        if (t is null || t.IsGenericParameter) yield break;
        if (t.HasElementType) { foreach (var e in TypesIn(t.GetElementType())) yield return e; yield break; }
        yield return t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments().SelectMany(TypesIn)) yield return a;
    }

    // The members and types named by the IL of a method body.
    internal static IEnumerable<MemberInfo> BodyReferences(MethodBase method)
    {
        byte[]? il;
        try { il = method.GetMethodBody()?.GetILAsByteArray(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { il = null; }
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } dt ? dt.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int i = 0;
        while (i < il.Length)
        {
            short code = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            var op = s_opCodes[code];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var member = Resolve(method.Module, BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    if (member is Type t) { foreach (var u in TypesIn(t)) yield return u; }
                    else if (member is not null)
                    {
                        yield return member;
                        if (member is MethodInfo { IsGenericMethod: true } gm)
                            foreach (var u in gm.GetGenericArguments().SelectMany(TypesIn)) yield return u;
                        if (member.DeclaringType is { IsGenericType: true } gt)
                            foreach (var u in gt.GetGenericArguments().SelectMany(TypesIn)) yield return u;
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                default:
                    i += OperandSize(op.OperandType);
                    break;
            }
        }
    }

    // A token of this method's module; null for the few a generic context cannot resolve (they name no type of ours).
    private static MemberInfo? Resolve(Module module, int token, Type[]? typeArgs, Type[]? methodArgs)
    {
        try { return module.ResolveMember(token, typeArgs, methodArgs); }
        catch (ArgumentException) { return null; }
    }

    private static int OperandSize(OperandType t) => t switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        _ => 4,   // InlineBrTarget, InlineI, InlineSig, InlineString, ShortInlineR
    };
}
