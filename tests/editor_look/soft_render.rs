//! A small software rasterizer for egui's output: tessellated meshes with their textures,
//! blended the way egui's own painters do (premultiplied alpha in gamma space). It lets the
//! tests take image snapshots without a GPU (kittest's wgpu renderer is not available offline).

use std::collections::HashMap;

use egui::epaint::{ClippedPrimitive, Primitive, Vertex};
use egui::{Color32, ColorImage, TextureId};

/// The textures egui has uploaded so far (fonts, images), kept across frames.
#[derive(Default)]
pub struct Textures {
    images: HashMap<TextureId, ColorImage>,
}

impl Textures {
    /// Applies one frame's texture changes (whole images and partial updates).
    pub fn update(&mut self, delta: &egui::TexturesDelta) {
        for (id, deltas) in &delta.set {
            for d in deltas {
                let egui::ImageData::Color(image) = &d.image;
                match d.pos {
                    None => {
                        self.images.insert(*id, (**image).clone());
                    }
                    Some([x0, y0]) => {
                        let Some(target) = self.images.get_mut(id) else {
                            continue;
                        };
                        let [w, h] = image.size;
                        for y in 0..h {
                            for x in 0..w {
                                let (tx, ty) = (x0 + x, y0 + y);
                                if tx < target.size[0] && ty < target.size[1] {
                                    target.pixels[ty * target.size[0] + tx] =
                                        image.pixels[y * w + x];
                                }
                            }
                        }
                    }
                }
            }
        }
        for id in &delta.free {
            self.images.remove(id);
        }
    }

    /// The texel at `uv` (0..1) of `id`, nearest neighbour; white for unknown textures.
    fn sample(&self, id: TextureId, u: f32, v: f32) -> [f32; 4] {
        let Some(image) = self.images.get(&id) else {
            return [1.0; 4];
        };
        let x = ((u * image.size[0] as f32) as usize).min(image.size[0].saturating_sub(1));
        let y = ((v * image.size[1] as f32) as usize).min(image.size[1].saturating_sub(1));
        let c = image.pixels[y * image.size[0] + x];
        [c.r(), c.g(), c.b(), c.a()].map(|v| v as f32 / 255.0)
    }
}

/// An RGBA image being painted (premultiplied, 0..1 per channel).
pub struct Canvas {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    pixels: Vec<[f32; 4]>,
}

impl Canvas {
    /// A canvas of `width` x `height` pixels filled with `background`.
    pub fn new(width: usize, height: usize, background: Color32) -> Self {
        let bg = [background.r(), background.g(), background.b(), 255].map(|v| v as f32 / 255.0);
        Self {
            width,
            height,
            pixels: vec![bg; width * height],
        }
    }

    /// Paints every primitive (positions in points, scaled by `pixels_per_point`).
    pub fn paint(
        &mut self,
        primitives: &[ClippedPrimitive],
        textures: &Textures,
        pixels_per_point: f32,
    ) {
        for primitive in primitives {
            let Primitive::Mesh(mesh) = &primitive.primitive else {
                continue;
            };
            let clip = primitive.clip_rect;
            let clip = [
                (clip.min.x * pixels_per_point).max(0.0) as usize,
                (clip.min.y * pixels_per_point).max(0.0) as usize,
                ((clip.max.x * pixels_per_point).ceil().max(0.0) as usize).min(self.width),
                ((clip.max.y * pixels_per_point).ceil().max(0.0) as usize).min(self.height),
            ];
            for tri in mesh.indices.chunks_exact(3) {
                let v = [0, 1, 2].map(|i| mesh.vertices[tri[i] as usize]);
                self.triangle(&v, mesh.texture_id, textures, pixels_per_point, clip);
            }
        }
    }

    /// Fills one triangle: colours and texture coordinates interpolated over pixel centres.
    fn triangle(
        &mut self,
        v: &[Vertex; 3],
        texture: TextureId,
        textures: &Textures,
        ppp: f32,
        clip: [usize; 4],
    ) {
        let p = v.map(|v| (v.pos.x * ppp, v.pos.y * ppp));
        let area = (p[1].0 - p[0].0) * (p[2].1 - p[0].1) - (p[2].0 - p[0].0) * (p[1].1 - p[0].1);
        if area.abs() < 1e-6 {
            return;
        }
        let min_x = (p
            .iter()
            .map(|p| p.0)
            .fold(f32::INFINITY, f32::min)
            .floor()
            .max(0.0) as usize)
            .max(clip[0]);
        let max_x = (p
            .iter()
            .map(|p| p.0)
            .fold(f32::NEG_INFINITY, f32::max)
            .ceil() as usize)
            .min(clip[2]);
        let min_y = (p
            .iter()
            .map(|p| p.1)
            .fold(f32::INFINITY, f32::min)
            .floor()
            .max(0.0) as usize)
            .max(clip[1]);
        let max_y = (p
            .iter()
            .map(|p| p.1)
            .fold(f32::NEG_INFINITY, f32::max)
            .ceil() as usize)
            .min(clip[3]);
        let colours = v.map(|v| {
            [v.color.r(), v.color.g(), v.color.b(), v.color.a()].map(|c| c as f32 / 255.0)
        });
        for y in min_y..max_y {
            for x in min_x..max_x {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let edge = |a: (f32, f32), b: (f32, f32)| {
                    (b.0 - a.0) * (py - a.1) - (b.1 - a.1) * (px - a.0)
                };
                let w0 = edge(p[1], p[2]) / area;
                let w1 = edge(p[2], p[0]) / area;
                let w2 = edge(p[0], p[1]) / area;
                if w0 < -1e-4 || w1 < -1e-4 || w2 < -1e-4 {
                    continue;
                }
                let u = w0 * v[0].uv.x + w1 * v[1].uv.x + w2 * v[2].uv.x;
                let t = w0 * v[0].uv.y + w1 * v[1].uv.y + w2 * v[2].uv.y;
                let texel = textures.sample(texture, u, t);
                let mut src = [0.0; 4];
                for (c, s) in src.iter_mut().enumerate() {
                    *s = (w0 * colours[0][c] + w1 * colours[1][c] + w2 * colours[2][c]) * texel[c];
                }
                let dst = &mut self.pixels[y * self.width + x];
                for c in 0..4 {
                    dst[c] = src[c] + dst[c] * (1.0 - src[3]);
                }
            }
        }
    }

    /// The image as 8-bit RGB rows.
    pub fn rgb(&self) -> Vec<u8> {
        self.pixels
            .iter()
            .flat_map(|p| [p[0], p[1], p[2]].map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8))
            .collect()
    }
}

/// Writes RGB pixels as a PNG.
pub fn write_png(path: &std::path::Path, width: usize, height: usize, rgb: &[u8]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("snapshot folder");
    }
    let file = std::fs::File::create(path).expect("create png");
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Best);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(rgb).expect("png data");
}

/// Reads an 8-bit RGB or RGBA PNG as RGB.
pub fn read_png(path: &std::path::Path) -> Option<(usize, usize, Vec<u8>)> {
    let decoder = png::Decoder::new(std::fs::File::open(path).ok()?);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        _ => return None,
    };
    let rgb = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|p| [p[0], p[1], p[2]])
        .collect();
    Some((info.width as usize, info.height as usize, rgb))
}
