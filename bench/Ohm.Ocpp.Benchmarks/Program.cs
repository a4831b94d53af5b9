using BenchmarkDotNet.Configs;
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
    // Building the benchmark's copy of Ohm.Ocpp (all messages, source-generated) can take over BenchmarkDotNet's
    // default two minutes on a busy machine.
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
}
