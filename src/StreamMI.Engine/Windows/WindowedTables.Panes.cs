using StreamMI.Engine.Counting;

namespace StreamMI.Engine.Windows;

/// <content>
/// The panes of one partition: a ring as long as the window plus the lag of the reference, by
/// event time.
/// </content>
public sealed partial class WindowedTables
{
    private sealed class Pane
    {
        public Pane(IReadOnlyList<ContingencyTable> featureTarget, IReadOnlyList<ContingencyTable> pairs)
        {
            FeatureTarget = [.. featureTarget.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
            Pairs = [.. pairs.Select(t => new PagedCounts(t.Rows.Levels, t.Columns.Levels))];
        }

        public long Id { get; set; } = long.MinValue;

        public PagedCounts[] FeatureTarget { get; }

        public PagedCounts[] Pairs { get; set; }

        // Events counted into the pane, to take them off the held events when the pane leaves.
        public long Events { get; set; }

        public void Clear()
        {
            Events = 0;
            foreach (var counts in FeatureTarget)
            {
                counts.Clear();
            }

            foreach (var counts in Pairs)
            {
                counts.Clear();
            }
        }

        public long AllocatedBytes() =>
            FeatureTarget.Sum(c => c.AllocatedBytes()) + Pairs.Sum(c => c.AllocatedBytes());
    }

    private sealed class PartitionPanes
    {
        public PartitionPanes(
            int id,
            int paneCount,
            IReadOnlyList<ContingencyTable> featureTarget,
            IReadOnlyList<ContingencyTable> pairs)
        {
            Id = id;
            Panes = new Pane[paneCount];
            for (var i = 0; i < Panes.Length; i++)
            {
                Panes[i] = new Pane(featureTarget, pairs);
            }
        }

        public int Id { get; }

        public Pane[] Panes { get; }

        public long Newest { get; set; } = long.MinValue;

        public long First { get; set; } = long.MinValue;

        public long MinTime { get; set; } = long.MaxValue;

        public long MaxTime { get; set; } = long.MinValue;

        public Pane PaneOf(long paneId) => Panes[(int)(((paneId % Panes.Length) + Panes.Length) % Panes.Length)];

        // Panes from the one after the newest up to the new one start now; each takes the slot
        // of the pane K + L before it, which has left this partition's window and, since the
        // monitor's window is never behind a partition's, the window tables and the lagged
        // reference too. A jump of K + L panes or more clears the whole ring.
        public void Advance(long paneId)
        {
            if (First == long.MinValue)
            {
                First = paneId;
            }

            var from = Newest == long.MinValue
                ? paneId - Panes.Length + 1
                : Math.Max(Newest + 1, paneId - Panes.Length + 1);
            for (var id = from; id <= paneId; id++)
            {
                var pane = PaneOf(id);
                if (pane.Id != long.MinValue)
                {
                    pane.Clear();
                }

                pane.Id = id;
            }

            Newest = paneId;
        }

        public void TrackTime(long eventTimeMs)
        {
            MinTime = Math.Min(MinTime, eventTimeMs);
            MaxTime = Math.Max(MaxTime, eventTimeMs);
        }
    }
}
