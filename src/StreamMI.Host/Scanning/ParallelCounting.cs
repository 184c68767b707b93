using System.Collections.Concurrent;

namespace StreamMI.Host.Scanning;

/// <summary>
/// Worker threads that count batches of input rows handed over by one reading thread: the
/// parallel half of <c>streammi scan --threads N</c>.
/// </summary>
/// <remarks>
/// <para>
/// The reading thread fills a batch (<see cref="Rent"/>), hands it over with
/// <see cref="Submit"/>, and calls <see cref="Complete"/> at the end of the input. Each worker
/// takes whole batches and runs its own counting function, made by the factory once per thread,
/// so decoders and records are never shared. Emptied batches go back to a free list: the steady
/// state allocates nothing.
/// </para>
/// <para>
/// At most two batches per worker wait in the queue, so a slow worker makes the reader wait
/// instead of reading the whole input into memory. If a worker throws, the others stop after
/// their current batch, the reader's next <see cref="Submit"/> or <see cref="Complete"/> throws
/// that exception, and nothing more is counted.
/// </para>
/// </remarks>
/// <typeparam name="TBatch">The batch type; <see cref="IScanBatch.Clear"/> readies one for reuse.</typeparam>
internal sealed class ParallelCounting<TBatch> : IDisposable
    where TBatch : class, IScanBatch
{
    private readonly BlockingCollection<TBatch> _full;
    private readonly ConcurrentBag<TBatch> _free = [];
    private readonly Func<TBatch> _createBatch;
    private readonly Thread[] _threads;
    private readonly CancellationTokenSource _failed = new();
    private Exception? _failure;

    /// <summary>Starts <paramref name="threads"/> workers.</summary>
    public ParallelCounting(int threads, Func<TBatch> createBatch, Func<Action<TBatch>> createWorker)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);

        _createBatch = createBatch;
        _full = new BlockingCollection<TBatch>(2 * threads);
        _threads = [.. Enumerable.Range(0, threads).Select(i => new Thread(() => Work(createWorker()))
        {
            IsBackground = true,
            Name = $"streammi scan worker {i}",
        })];
        foreach (var thread in _threads)
        {
            thread.Start();
        }
    }

    /// <summary>An empty batch to fill.</summary>
    public TBatch Rent() => _free.TryTake(out var batch) ? batch : _createBatch();

    /// <summary>Hands a filled batch to the workers; waits while they are behind.</summary>
    public void Submit(TBatch batch)
    {
        try
        {
            _full.Add(batch, _failed.Token);
        }
        catch (OperationCanceledException)
        {
            ThrowFailure();
        }
    }

    /// <summary>Waits until every submitted batch is counted.</summary>
    public void Complete()
    {
        _full.CompleteAdding();
        foreach (var thread in _threads)
        {
            thread.Join();
        }

        ThrowFailure();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Workers still waiting for batches (after an exception on the reading side) end here.
        if (!_full.IsAddingCompleted)
        {
            _full.CompleteAdding();
            foreach (var thread in _threads)
            {
                thread.Join();
            }
        }

        _full.Dispose();
        _failed.Dispose();
    }

    private void Work(Action<TBatch> count)
    {
        try
        {
            foreach (var batch in _full.GetConsumingEnumerable(_failed.Token))
            {
                count(batch);
                batch.Clear();
                _free.Add(batch);
            }
        }
        catch (OperationCanceledException) when (_failed.IsCancellationRequested)
        {
            // By design: another worker failed, and its exception is the one to report.
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
            _failed.Cancel();
        }
    }

    private void ThrowFailure()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new AggregateException("A scan worker failed.", failure);
        }
    }
}
