using System.Reflection;
using System.Runtime.InteropServices;

namespace AutoGrad.Distributed.Mpi;

/// <summary>
/// The dozen MPI calls data-parallel training needs, bound to Open MPI's <c>libmpi.so.40</c> with <c>LibraryImport</c>.
/// </summary>
/// <remarks>
/// MPI.NET 1.4 (NuGet) binds MS-MPI's <c>msmpi.dll</c> and its integer handles, so it cannot load on Linux. Open MPI's handles
/// (<c>MPI_Comm</c>, <c>MPI_Datatype</c>, <c>MPI_Op</c>) are pointers to exported globals (<c>ompi_mpi_comm_world</c>,
/// <c>ompi_mpi_float</c>, <c>ompi_mpi_op_sum</c>), looked up once with <see cref="NativeLibrary.GetExport"/>;
/// <c>MPI_IN_PLACE</c> is <c>(void*)1</c> and <c>MPI_STATUS_IGNORE</c> is null in its <c>mpi.h</c>. Signatures follow the MPI 3.1
/// standard (https://www.mpi-forum.org/docs/mpi-3.1/mpi31-report.pdf).
/// </remarks>
internal static unsafe partial class MpiNative
{
    private const string Lib = "mpi";

    public const int ThreadFunneled = 1;
    public static readonly nint InPlace = 1;

    static MpiNative() => NativeLibrary.SetDllImportResolver(typeof(MpiNative).Assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Lib) return 0;
        foreach (var candidate in new[] { "libmpi.so.40", "libmpi.so", "libmpi.so.12", "libmpi.dylib" })
            if (NativeLibrary.TryLoad(candidate, assembly, path, out var h)) return h;
        throw new DllNotFoundException(
            "AutoGrad.Distributed: could not load Open MPI's libmpi (libmpi.so.40). Install it (Debian: apt-get install openmpi-bin libopenmpi-dev) and start the program with mpirun.");
    }

    private static nint Handle => NativeLibrary.Load("libmpi.so.40", typeof(MpiNative).Assembly, null);

    private static nint Export(string symbol)
    {
        if (NativeLibrary.TryGetExport(Handle, symbol, out var p)) return p;
        throw new EntryPointNotFoundException($"AutoGrad.Distributed: libmpi has no symbol '{symbol}'; only Open MPI's ABI is supported.");
    }

    public static nint CommWorld => s_commWorld ??= Export("ompi_mpi_comm_world");
    public static nint Float => s_float ??= Export("ompi_mpi_float");
    public static nint Double => s_double ??= Export("ompi_mpi_double");
    public static nint Int => s_int ??= Export("ompi_mpi_int");
    public static nint Byte => s_byte ??= Export("ompi_mpi_byte");
    public static nint OpSum => s_sum ??= Export("ompi_mpi_op_sum");
    public static nint OpMax => s_max ??= Export("ompi_mpi_op_max");
    private static nint? s_commWorld, s_float, s_double, s_int, s_byte, s_sum, s_max;

    [LibraryImport(Lib, EntryPoint = "MPI_Initialized")] public static partial int Initialized(out int flag);
    [LibraryImport(Lib, EntryPoint = "MPI_Finalized")] public static partial int Finalized(out int flag);
    [LibraryImport(Lib, EntryPoint = "MPI_Init_thread")] public static partial int InitThread(nint argc, nint argv, int required, out int provided);
    [LibraryImport(Lib, EntryPoint = "MPI_Finalize")] public static partial int Finalize();
    [LibraryImport(Lib, EntryPoint = "MPI_Abort")] public static partial int Abort(nint comm, int errorCode);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_rank")] public static partial int CommRank(nint comm, out int rank);
    [LibraryImport(Lib, EntryPoint = "MPI_Comm_size")] public static partial int CommSize(nint comm, out int size);
    [LibraryImport(Lib, EntryPoint = "MPI_Ibarrier")] public static partial int Ibarrier(nint comm, out nint request);
    [LibraryImport(Lib, EntryPoint = "MPI_Ibcast")] public static partial int Ibcast(void* buffer, int count, nint datatype, int root, nint comm, out nint request);
    [LibraryImport(Lib, EntryPoint = "MPI_Iallreduce")]
    public static partial int Iallreduce(void* send, void* recv, int count, nint datatype, nint op, nint comm, out nint request);
    [LibraryImport(Lib, EntryPoint = "MPI_Iallgather")]
    public static partial int Iallgather(void* send, int sendCount, nint sendType, void* recv, int recvCount, nint recvType, nint comm, out nint request);
    [LibraryImport(Lib, EntryPoint = "MPI_Test")] public static partial int Test(ref nint request, out int flag, nint status);
}
