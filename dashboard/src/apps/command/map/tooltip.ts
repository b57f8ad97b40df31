// Hover tooltips of the map layers (HTML for deck.gl's getTooltip); names are escaped.
import type { ChoroplethProps, Feature, Heatmap, HexProps } from '@shared/api/types';
import { metricValue, type Metric } from '@shared/layers/colors';
import { hexDensity } from '@shared/layers/heatmap';

export interface PickInfo {
  layer?: { id: string } | null;
  object?: unknown;
}

type Translate = (key: string, values?: Record<string, unknown>) => string;

const STYLE = { background: 'rgba(6,20,40,0.92)', color: '#e6f4ff', border: '1px solid #1f6fb2', borderRadius: '4px', fontSize: '13px', padding: '8px 10px' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function mapTooltip(info: PickInfo, ctx: { t: Translate; metric: Metric; heat: Heatmap | null }) {
  const { t } = ctx;
  if (!info.object || !info.layer) return null;
  if (info.layer.id === 'choropleth') {
    const p = (info.object as Feature<ChoroplethProps>).properties;
    const rows = (['confirmed', 'suspected', 'watching', 'cured', 'dead'] as const)
      .map((s) => `<div>${t(`status.${s}`)}: <b>${p.byStatus[s] ?? 0}</b></div>`)
      .join('');
    const html = `<div><b>${escapeHtml(p.name)}</b> · ${t(`level.${p.level}`)}</div>${rows}`
      + `<div>${t('tooltip.total')}: <b>${p.total}</b> · ${t(`metric.${ctx.metric}`)}: <b>${metricValue(p, ctx.metric)}</b></div>`
      + `<div style="opacity:.7">${t('tooltip.clickDrill')}</div>`;
    return { html, style: STYLE };
  }
  if (info.layer.id === 'heatmap') {
    const f = info.object as Feature<HexProps>;
    if (f.properties.suppressed) return { html: t('tooltip.suppressed', { k: ctx.heat?.suppressedBelow ?? '' }), style: STYLE };
    const density = ctx.heat ? Math.round(hexDensity(f, ctx.heat)) : '';
    const html = `${t('tooltip.count')}: <b>${f.properties.count}</b><br>${t('tooltip.weight')}: <b>${f.properties.weight}</b><br>${t('tooltip.density')}: <b>${density}</b>`;
    return { html, style: STYLE };
  }
  return null;
}
