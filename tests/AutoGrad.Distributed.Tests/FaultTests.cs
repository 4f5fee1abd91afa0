using System.Diagnostics;
using System.Text.RegularExpressions;

namespace AutoGrad.Distributed.Tests;

// A rank that dies or hangs, and ranks holding different models (issue 17, item 4). Each job must end, with an error that says
// what happened, long before the launcher's 90 s limit in MpiRun.
public sealed class FaultTests
{
    [FactWithMpi]
    public void A_rank_that_hangs_makes_the_others_fail_within_the_timeout()
    {
        var clock = Stopwatch.StartNew();
        var (code, output) = MpiRun.Ranks(2, "fault", "hang", "1", "3");
        Assert.NotEqual(0, code);
        Assert.Contains("rank 1: simulated fault 'hang' at step 2", output);
        Assert.Contains("rank 0 failed: Communicator (rank 0 of 2): the gradient all-reduce of bucket 0", output);
        Assert.Contains("did not complete within 3 s; another rank died, hangs", output);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the job took {clock.Elapsed}, so the hanging rank was not stopped");
    }

    [FactWithMpi]
    public void A_rank_that_dies_ends_the_job_with_an_error_naming_it()
    {
        var (code, output) = MpiRun.Ranks(3, "fault", "die", "2", "3");
        Assert.NotEqual(0, code);
        Assert.Contains("rank 2: simulated fault 'die' at step 2", output);
        // Either mpirun notices the exit first (and reports its exit code 7), or a survivor's collective times out first.
        Assert.True(Regex.IsMatch(output, @"Exit code:\s+7") || output.Contains("did not complete within 3 s"), output);
        Assert.DoesNotContain("rank 0: 2 buckets", output);
    }

    [FactWithMpi]
    public void Different_models_are_refused_at_wrap_time_naming_the_parameter()
    {
        var (code, output) = MpiRun.Ranks(2, "mismatch");
        Assert.Equal(3, code);
        foreach (var rank in new[] { 0, 1 })
            Assert.Contains($"rank {rank} refused the model: DistributedDataParallel: the model on rank 1 differs from rank 0's: entry 0 is parameter '0.weight' Float32 (16, 12) on rank 0 but parameter '0.weight' Float32 (17, 12) on rank 1", output);
    }
}
