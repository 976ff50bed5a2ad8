package io.opspulse.dashboards;

/**
 * One query of one dashboard panel, as Grafana would send it to Prometheus.
 *
 * @param dashboardUid the dashboard's stable uid ("opspulse-fleet", ...)
 * @param panelId the panel's id within the dashboard
 * @param panelTitle the panel's title, to name a failing query
 * @param refId the query's reference within the panel (A, B, ...)
 * @param datasourceUid the data source uid after substitution
 * @param rawExpr the PromQL as committed, with template variables
 * @param expr the PromQL with every variable substituted: what Prometheus receives
 * @param instant whether Grafana runs it as an instant query (tables, stats) rather than a range
 *     query
 */
public record PanelQuery(
    String dashboardUid,
    int panelId,
    String panelTitle,
    String refId,
    String datasourceUid,
    String rawExpr,
    String expr,
    boolean instant) {

  /** "opspulse-fleet #4 'Running beyond declared' A", for assertion messages. */
  public String describe() {
    return dashboardUid + " #" + panelId + " '" + panelTitle + "' " + refId;
  }
}
