namespace StreamMI.Engine.Counting;

/// <summary>Receives the non-zero cells of a <see cref="PagedCounts"/> walk.</summary>
public interface ICellVisitor
{
    /// <summary>Called once for each non-zero cell.</summary>
    void Visit(int row, int column, int count);
}
