namespace StreamMI.Engine.Windows;

/// <summary>Which events a monitor's tables hold.</summary>
public enum WindowMode
{
    /// <summary>The last K panes by event time; the oldest pane expires as a new one starts.</summary>
    Sliding,

    /// <summary>One pane at a time: the tables start empty at each pane boundary.</summary>
    Tumbling,

    /// <summary>Every event since the start; nothing expires.</summary>
    WholeStream,
}
