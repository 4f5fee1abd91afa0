using System.Globalization;
using System.Text;
using AutoGrad.Differentiation;

namespace AutoGrad.Inspection;

/// <summary>A tensor in a <see cref="Graph"/>: a leaf or the output of a recorded op.</summary>
/// <param name="Id">Position in <see cref="Graph.Values"/>.</param>
/// <param name="Name">The tensor's <see cref="Tensor.Name"/>, if set.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="DType">Its element type.</param>
/// <param name="IsLeaf">True for a tensor not made by a recorded op.</param>
/// <param name="RequiresGrad">Whether gradients flow to it.</param>
/// <param name="Data">Its value, for a single-element tensor (null otherwise).</param>
/// <param name="Grad">Its gradient <c>∂root/∂t</c>, for a single-element tensor when known (null otherwise).</param>
public sealed record GraphValue(int Id, string? Name, Shape Shape, DType DType, bool IsLeaf, bool RequiresGrad, double? Data, double? Grad);

/// <summary>A recorded op in a <see cref="Graph"/>.</summary>
/// <param name="Id">Position in <see cref="Graph.Nodes"/> (tape order).</param>
/// <param name="Op">The op's name.</param>
/// <param name="Inputs">Ids of its input values.</param>
/// <param name="Output">Id of its output value.</param>
/// <param name="InputShapes">Its inputs' shapes.</param>
/// <param name="OutputShape">Its output's shape.</param>
/// <param name="DType">Its output's element type.</param>
/// <param name="Site">Where the user called it.</param>
public sealed record GraphNode(int Id, string Op, IReadOnlyList<int> Inputs, int Output, IReadOnlyList<Shape> InputShapes, Shape OutputShape, DType DType, CallSite Site);

/// <summary>
/// A snapshot of the recorded graph behind a tensor: its ops in tape order and the tensors between them, with export
/// to Graphviz DOT and to a self-contained HTML page with an SVG drawing.
/// </summary>
public sealed class Graph
{
    private Graph(IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphValue> values, bool scalar)
    {
        Nodes = nodes;
        Values = values;
        IsScalar = scalar;
    }

    /// <summary>The recorded ops reachable from the root, oldest first (see Note [Tape order]).</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }

    /// <summary>The tensors of the graph: leaves and op outputs, in order of first appearance along the tape.</summary>
    public IReadOnlyList<GraphValue> Values { get; }

    /// <summary>True when every tensor has one element; then <see cref="GraphValue.Data"/> and <see cref="GraphValue.Grad"/> are shown, as micrograd's draw_dot does.</summary>
    public bool IsScalar { get; }

    /// <summary>
    /// Collects the graph that produced <paramref name="root"/>. Gradients shown are the tensors' <see cref="Tensor.Grad"/>; with
    /// <paramref name="computeGradients"/> they are computed as <c>∂root/∂t</c> for every tensor (root must be a scalar and the
    /// graph not yet freed), without touching <c>.Grad</c>.
    /// </summary>
    public static Graph Of(Tensor root, bool computeGradients = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        var nodes = new List<Node>();
        var seen = new HashSet<Node>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>();
        if (root.GradFn is { } r && seen.Add(r)) stack.Push(r);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            nodes.Add(n);
            foreach (var x in n.Inputs)
                if (x.GradFn is { } p && seen.Add(p)) stack.Push(p);
        }
        nodes.Sort((a, b) => a.Stamp.CompareTo(b.Stamp));

        var ids = new Dictionary<Tensor, int>(ReferenceEqualityComparer.Instance);
        var tensors = new List<Tensor>();
        int Id(Tensor t)
        {
            if (!ids.TryGetValue(t, out int id)) { id = tensors.Count; ids[t] = id; tensors.Add(t); }
            return id;
        }
        var graphNodes = new List<GraphNode>();
        foreach (var n in nodes)
        {
            var inputs = n.Inputs.Select(Id).ToArray();
            graphNodes.Add(new GraphNode(graphNodes.Count, n.Op, inputs, Id(n.Output), n.Inputs.Select(x => x.Shape).ToArray(), n.Output.Shape, n.Output.DType, n.Site));
        }
        if (nodes.Count == 0) Id(root);

        bool scalar = tensors.All(t => t.Size == 1);
        Dictionary<Tensor, Tensor>? computed = null;
        if (computeGradients) computed = Gradients(root, tensors);
        var values = tensors.Select((t, i) =>
        {
            double? grad = null;
            if (scalar)
            {
                var g = computed is null ? t.Grad : computed.GetValueOrDefault(t);
                if (g is not null) grad = g.Item();
            }
            return new GraphValue(i, t.Name, t.Shape, t.DType, t.IsLeaf, t.RequiresGrad, scalar ? t.Item() : null, grad);
        }).ToList();
        return new Graph(graphNodes, values, scalar);
    }

    private static Dictionary<Tensor, Tensor> Gradients(Tensor root, List<Tensor> tensors)
    {
        if (root.Size != 1) throw new ArgumentException($"Graph.Of: computeGradients needs a single-element root, got shape {root.Shape}.");
        var targets = tensors.Where(t => t.RequiresGrad).ToArray();
        var result = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        if (targets.Length == 0) return result;
        var grads = Functional.Grad([root], targets, retainGraph: true, allowUnused: true);
        for (int i = 0; i < targets.Length; i++)
            if (grads[i] is { } g) result[targets[i]] = g;
        result[root] = Tensor.OnesLike(root);
        return result;
    }

    /// <summary>Graphviz DOT text: a record per tensor, an ellipse per op (name and source line), edges tensor → op → tensor.</summary>
    public string ToDot() => GraphDot.Write(this);

    /// <summary>A self-contained HTML page (no scripts, no external files) with an inline SVG drawing of the graph in layers, and a table of the ops.</summary>
    public string ToHtml(string title = "AutoGrad graph") => GraphHtml.Write(this, title);

    /// <summary>One line per op in tape order: <c>#id Op (input shapes) -> output shape dtype at File.cs:line</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var n in Nodes)
        {
            if (sb.Length > 0) sb.Append('\n');
            sb.Append(CultureInfo.InvariantCulture, $"#{n.Id} {n.Op} {string.Join(", ", n.InputShapes)} -> {n.OutputShape} {n.DType.Name()}");
            if (n.Site.IsKnown) sb.Append(" at ").Append(n.Site);
        }
        return sb.ToString();
    }

    /// <summary>The text lines describing a value: name, then data and grad for a scalar graph, else shape and dtype.</summary>
    internal IReadOnlyList<string> Lines(GraphValue v)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>();
        if (v.Name is { } n) lines.Add(n);
        if (IsScalar)
        {
            lines.Add(string.Format(inv, "data {0:0.0000}", v.Data));
            lines.Add(v.Grad is { } g ? string.Format(inv, "grad {0:0.0000}", g) : "grad —");
        }
        else lines.Add($"{v.Shape} {v.DType.Name()}");
        return lines;
    }
}
