// Jurisdiction names as a deck.gl TextLayer: Chinese glyphs come from local fonts through a font
// atlas built in the browser (characterSet 'auto'), so no glyph server is needed.
import { TextLayer } from '@deck.gl/layers';
import type { ChoroplethProps, Position } from '../api/types';

export const LABELS_ID = 'labels';
export const LABEL_FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export interface LabelOptions {
  visible: boolean;
  size: number;
}

export function createLabelLayer(data: { name: string; position: Position; props: ChoroplethProps }[], opts: LabelOptions) {
  return new TextLayer<(typeof data)[number]>({
    id: LABELS_ID,
    data,
    visible: opts.visible,
    characterSet: 'auto',
    fontFamily: LABEL_FONT,
    fontWeight: 600,
    getText: (d) => d.name,
    getPosition: (d) => d.position,
    getSize: opts.size,
    sizeUnits: 'pixels',
    getColor: [235, 245, 255, 255],
    outlineWidth: 3,
    outlineColor: [6, 18, 36, 230],
    fontSettings: { sdf: true, fontSize: 64, buffer: 6 },
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    pickable: false,
    updateTriggers: { getSize: [opts.size] },
  });
}
