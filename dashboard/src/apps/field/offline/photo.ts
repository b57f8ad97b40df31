// Photos from the phone's camera are 3–12 MB; the API takes 5 MB and a bad network takes far less.
// They are scaled down and re-encoded as JPEG on the phone before they are queued.

/** Longest side of a stored photo, in pixels: enough to read a thermometer or a face. */
export const MAX_SIDE = 1280;
export const QUALITY = 0.72;

export async function compressPhoto(file: Blob, maxSide = MAX_SIDE, quality = QUALITY): Promise<Blob> {
  const bitmap = await createImageBitmap(file);
  try {
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.drawImage(bitmap, 0, 0, w, h);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
    if (!blob) throw new Error('this browser cannot encode JPEG');
    return blob;
  } finally {
    bitmap.close();
  }
}

/** The bytes as base64 without the data: prefix (what POST /api/files takes). */
export function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}
