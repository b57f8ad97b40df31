// Where the wall screen puts the map, from the window size alone: CommandView lays itself out with
// it, and the router uses it to ask for the first view's data before CommandView's code has loaded.
import { DESIGN, designScaleFor } from '../components/designScale';

/** Width of each side column of panels, in design pixels. */
export const SIDE = 470;
/**
 * The map covers only the middle band between the side columns (design x 482…1438, below the
 * title bar), in real screen pixels: crisp on a 4K wall, and no pixels drawn under opaque panels
 * (software WebGL pays for every one of them on every frame).
 */
const MAP_BOX = { left: SIDE + 12, right: DESIGN.width - SIDE - 12, top: 64 };

export function commandLayout(width: number, height: number, scale = designScaleFor(width, height)) {
  // The design layer is centred; the map behind it covers the whole window.
  const offset = { x: (width - DESIGN.width * scale) / 2, y: (height - DESIGN.height * scale) / 2 };
  return {
    scale,
    offset,
    map: {
      left: offset.x + MAP_BOX.left * scale,
      top: offset.y + MAP_BOX.top * scale,
      width: (MAP_BOX.right - MAP_BOX.left) * scale,
      height: (DESIGN.height - MAP_BOX.top) * scale,
    },
    /** Room kept clear for the selection by fitBounds: the breadcrumb bar above, the legend below. */
    padding: { top: 50 * scale, bottom: 150 * scale, left: 10 * scale, right: 10 * scale },
  };
}
