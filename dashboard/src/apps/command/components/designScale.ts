// The wall screen is laid out at 1920×1080 and scaled to the window (4K walls get scale 2).
// Canvases (ECharts) read the scale so they render at the real pixel density instead of blurring.
import { onBeforeUnmount, onMounted, ref } from 'vue';

export const DESIGN = { width: 1920, height: 1080 };
export const designScale = ref(1);

/** Screen pixels per design pixel in a window of width × height. */
export function designScaleFor(width: number, height: number): number {
  return Math.min(width / DESIGN.width, height / DESIGN.height);
}

function measure(): void {
  designScale.value = designScaleFor(window.innerWidth, window.innerHeight);
}

export function useDesignScale() {
  onMounted(() => {
    measure();
    window.addEventListener('resize', measure);
  });
  onBeforeUnmount(() => {
    window.removeEventListener('resize', measure);
    designScale.value = 1;
  });
  return designScale;
}
