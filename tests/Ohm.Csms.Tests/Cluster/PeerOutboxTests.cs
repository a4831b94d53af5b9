using System.Collections.Concurrent;
using Ohm.Csms.Cluster;

namespace Ohm.Csms.Tests.Cluster;

/// <summary>The outbox a node sends one peer through: batches while one travels, in order, never waits, drops the oldest when far behind.</summary>
public sealed class PeerOutboxTests
{
    [Fact]
    public async Task What_is_published_while_a_batch_travels_goes_together_in_the_next_batch_in_order()
    {
        var sent = new ConcurrentQueue<int[]>();
        var travelling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var outbox = new PeerOutbox<int>(
            (batch, _) =>
            {
                sent.Enqueue(batch);
                return sent.Count == 1 ? travelling.Task : Task.CompletedTask;
            },
            (ex, _) => Assert.Fail(ex.ToString()),
            _ => Assert.Fail("nothing should be dropped"));

        outbox.Post(0);
        await UntilAsync(() => sent.Count == 1);
        for (var i = 1; i <= 100; i++)
        {
            outbox.Post(i); // the first batch has not arrived: these wait, the publisher does not
        }

        travelling.SetResult();
        await UntilAsync(() => sent.Count == 2);
        Assert.Equal([[0], [.. Enumerable.Range(1, 100)]], sent.ToArray());
    }

    [Fact]
    public async Task A_peer_far_behind_loses_the_oldest_and_a_batch_it_refused_does_not_stop_the_next()
    {
        var sent = new ConcurrentQueue<int[]>();
        var travelling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = 0;
        long dropped = 0;
        await using var outbox = new PeerOutbox<int>(
            (batch, _) =>
            {
                sent.Enqueue(batch);
                return sent.Count switch
                {
                    1 => travelling.Task,
                    2 => Task.FromException(new InvalidOperationException("the peer refused")),
                    _ => Task.CompletedTask,
                };
            },
            (_, count) => Interlocked.Add(ref failed, count),
            count => Interlocked.Add(ref dropped, count));

        outbox.Post(0);
        await UntilAsync(() => sent.Count == 1);
        var published = PeerOutbox<int>.Capacity + 10;
        for (var i = 1; i <= published; i++)
        {
            outbox.Post(i);
        }

        travelling.SetResult();
        await UntilAsync(() => sent.Sum(b => b.Length) == 1 + PeerOutbox<int>.Capacity);
        Assert.Equal(10, Interlocked.Read(ref dropped));
        Assert.Equal(PeerOutbox<int>.MaxBatch, failed); // the refused batch, lost for the peer
        var after = sent.Skip(1).SelectMany(b => b).ToArray();
        Assert.Equal(Enumerable.Range(11, PeerOutbox<int>.Capacity), after); // the oldest ten dropped, the rest in order
        Assert.All(sent, b => Assert.InRange(b.Length, 1, PeerOutbox<int>.MaxBatch));
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.False(deadline.IsCancellationRequested, "waited 10 s");
            await Task.Delay(10, CancellationToken.None);
        }
    }
}
