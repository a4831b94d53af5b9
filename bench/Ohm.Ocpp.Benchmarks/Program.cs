using BenchmarkDotNet.Running;
using Ohm.Ocpp.Benchmarks;

// `-- cpu-throughput` measures the TransactionEvent receive path per second of thread CPU time;
// anything else goes to BenchmarkDotNet (for example `-- --filter '*' --job short`).
if (args is ["cpu-throughput"])
{
    CpuTimeThroughput.Run();
}
else
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
