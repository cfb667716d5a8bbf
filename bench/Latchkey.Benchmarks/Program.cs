using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Latchkey.Benchmarks;

/// <summary>
/// Runs the benchmarks the arguments select (BenchmarkDotNet's command line) and exits non-zero when any
/// selected benchmark failed or none ran, so that a benchmark that throws fails CI instead of rotting.
/// <c>--smoke</c> runs each selected benchmark once (the Dry job, in process) from whatever build is at
/// hand, Debug included: CI checks that every benchmark still runs, right after building the solution for
/// the tests, without a second build. Its timings mean nothing.
/// </summary>
public static class Program
{
    private const string Smoke = "--smoke";

    public static int Main(string[] args)
    {
        var config = args.Contains(Smoke)
            ? DefaultConfig.Instance
                .AddJob(Job.Dry.WithToolchain(InProcessEmitToolchain.Instance))
                .WithOptions(ConfigOptions.DisableOptimizationsValidator)
            : DefaultConfig.Instance;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run([.. args.Where(a => a != Smoke)], config)
            .ToList();
        var failures = summaries.SelectMany(Failures).ToList();
        if (summaries.Count == 0 || summaries.All(s => s.BenchmarksCases.Length == 0))
        {
            failures.Add("no benchmark was selected or run");
        }

        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"benchmark failed: {failure}");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static IEnumerable<string> Failures(Summary summary)
    {
        if (summary.HasCriticalValidationErrors)
        {
            yield return $"{summary.Title}: {string.Join("; ", summary.ValidationErrors.Select(e => e.Message))}";
        }

        foreach (var benchmark in summary.BenchmarksCases)
        {
            var report = summary[benchmark];
            if (report is null || !report.Success || report.ExecuteResults.Any(r => !r.IsSuccess))
            {
                yield return benchmark.DisplayInfo;
            }
        }
    }
}
