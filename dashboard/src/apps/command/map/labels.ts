// Jurisdiction names as HTML labels over the map: Chinese text with the browser's local fonts,
// crisp at any scale, no glyph server and no text shader to compile (seconds on software GL).
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { Position } from '@shared/api/types';

export interface Label {
  id: number;
  text: string;
  position: Position;
}

export class HtmlLabels {
  private readonly layer: HTMLDivElement;
  private items: { el: HTMLDivElement; position: Position }[] = [];
  private readonly place = () => this.update();

  constructor(private readonly map: MapLibreMap, className: string) {
    this.layer = document.createElement('div');
    this.layer.className = className;
    // Above the deck.gl canvas (a map control appended after the canvas); clicks pass through.
    Object.assign(this.layer.style, { position: 'absolute', inset: '0', pointerEvents: 'none', zIndex: '3', overflow: 'hidden' });
    map.getContainer().appendChild(this.layer);
    map.on('move', this.place);
    map.on('resize', this.place);
  }

  setLabels(labels: Label[], visible: boolean, level: number): void {
    this.layer.replaceChildren();
    this.layer.dataset.level = String(level);
    this.items = labels.map((l) => {
      const el = document.createElement('div');
      el.className = 'map-label';
      el.dataset.id = String(l.id);
      el.textContent = l.text;
      this.layer.appendChild(el);
      return { el, position: l.position };
    });
    this.layer.style.display = visible ? '' : 'none';
    this.update();
  }

  private update(): void {
    for (const { el, position } of this.items) {
      const p = this.map.project(position);
      el.style.transform = `translate(${p.x.toFixed(1)}px, ${p.y.toFixed(1)}px) translate(-50%, -50%)`;
    }
  }

  destroy(): void {
    this.map.off('move', this.place);
    this.map.off('resize', this.place);
    this.layer.remove();
  }
}
