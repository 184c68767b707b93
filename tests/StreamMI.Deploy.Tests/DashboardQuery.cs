namespace StreamMI.Deploy.Tests;

/// <summary>One PromQL query of the Grafana dashboard.</summary>
/// <param name="Source">
/// "panel" for a panel's query, "annotation" for an annotation query, "variable" for a
/// template variable's label_values query (turned into an equivalent PromQL query).
/// </param>
/// <param name="PanelId">The panel's id; null for annotations and variables.</param>
/// <param name="Title">The panel's title, or the annotation's or variable's name.</param>
/// <param name="RefId">The query's refId within its panel, or the variable's name.</param>
/// <param name="Expr">The PromQL expression, with or without dashboard variables.</param>
/// <param name="Instant">Whether Grafana runs it as an instant query (else as a range query).</param>
public sealed record DashboardQuery(
    string Source,
    int? PanelId,
    string Title,
    string RefId,
    string Expr,
    bool Instant);
