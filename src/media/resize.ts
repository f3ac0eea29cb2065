// Inputs brought to the exact pixel size a model requires (e.g. Veo's 1024x1024).
import sharp from 'sharp';

/** `letterbox` keeps the whole picture and pads with black; `cover` fills the frame and crops the centre. */
export async function fitImage(path: string, width: number, height: number, mode: 'letterbox' | 'cover'): Promise<Buffer> {
  return sharp(path)
    .autoOrient()
    .resize(width, height, mode === 'letterbox' ? { fit: 'contain', background: '#000000' } : { fit: 'cover', position: 'centre' })
    .flatten({ background: '#000000' })
    .png()
    .toBuffer();
}
