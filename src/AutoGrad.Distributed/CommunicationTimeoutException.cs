namespace AutoGrad.Distributed;

/// <summary>
/// A collective operation did not complete within <see cref="Communicator.Timeout"/>: another rank died, hangs, or is not calling it.
/// </summary>
/// <remarks>After it the communicator is unusable; dispose it (which calls <c>MPI_Abort</c>) so every rank of the job stops.</remarks>
public sealed class CommunicationTimeoutException(string message) : Exception(message);
