/** The status page's stylesheet: a dark, dense operator view that reads at a glance. */
export const STATUS_PAGE_STYLE = `
:root { color-scheme: dark; --bg: #0f1420; --panel: #171d2b; --line: #263047; --text: #e6eaf2; --muted: #8a94a8;
  --ok: #2fbf71; --warn: #f0b429; --bad: #ef4e4e; --off: #5b6478; --accent: #5aa9ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: baseline; gap: 16px; padding: 16px 24px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 18px; font-weight: 600; }
header .meta { color: var(--muted); }
header .live { margin-left: auto; color: var(--muted); display: flex; align-items: center; gap: 8px; }
.dot { width: 10px; height: 10px; border-radius: 50%; background: var(--off); display: inline-block; }
.dot.on { background: var(--ok); box-shadow: 0 0 8px var(--ok); }
.dot.lost { background: var(--bad); }
main { padding: 20px 24px; display: grid; gap: 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 26px; font-weight: 600; margin-top: 4px; font-variant-numeric: tabular-nums; }
.tile .sub { color: var(--muted); font-size: 12px; margin-top: 2px; }
.tile.bad .value { color: var(--bad); }
.tile.warn .value { color: var(--warn); }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
section h2 { margin: 0 0 10px; font-size: 14px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
td.num, th.num { text-align: right; }
td.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; text-transform: uppercase; }
.badge.closed { background: rgba(47,191,113,.15); color: var(--ok); }
.badge.half-open { background: rgba(240,180,41,.15); color: var(--warn); }
.badge.open { background: rgba(239,78,78,.18); color: var(--bad); }
.badge.disabled { background: rgba(91,100,120,.25); color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.chart { width: 100%; height: 90px; display: block; }
.chart .requests { fill: none; stroke: var(--accent); stroke-width: 2; }
.chart .errors { fill: none; stroke: var(--bad); stroke-width: 2; }
.legend { color: var(--muted); font-size: 12px; display: flex; gap: 16px; margin-top: 6px; }
.legend .swatch { display: inline-block; width: 10px; height: 3px; margin-right: 6px; vertical-align: middle; }
.legend .swatch.requests { background: var(--accent); }
.legend .swatch.errors { background: var(--bad); }
.banner { display: none; background: rgba(239,78,78,.15); color: var(--bad); border: 1px solid var(--bad); border-radius: 8px; padding: 10px 14px; }
.banner.shown { display: block; }
`;
