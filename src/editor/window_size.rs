//! The window's size and compact mode, kept with the project. nice-plug-egui's
//! `EguiEditorState` is not a persistent field, so this store is: the window records its size
//! every frame (GUI thread), the host saves it with the project, and the next editor opens at
//! that size. Sizes from a project are clamped into the range the layout is made for.

use std::sync::Arc;

use nice_plug::params::persist::PersistentField;
use nice_plug_egui::EguiEditorState;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use super::{DEFAULT_SIZE, MIN_SIZE};

/// Largest window side kept, in logical pixels (an 8K screen; more is a broken project).
pub const MAX_SIDE: u32 = 8192;

/// The saved window shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowShape {
    /// Width in logical pixels.
    pub width: u32,
    /// Height in logical pixels.
    pub height: u32,
    /// Whether compact mode is on.
    #[serde(default)]
    pub compact: bool,
}

impl Default for WindowShape {
    fn default() -> Self {
        Self {
            width: DEFAULT_SIZE.0,
            height: DEFAULT_SIZE.1,
            compact: false,
        }
    }
}

impl WindowShape {
    /// The shape with its size inside `MIN_SIZE..=MAX_SIDE`.
    pub fn bounded(self) -> Self {
        Self {
            width: self.width.clamp(MIN_SIZE.0, MAX_SIDE),
            height: self.height.clamp(MIN_SIZE.1, MAX_SIDE),
            compact: self.compact,
        }
    }
}

/// The persistent field holding the window shape (GUI thread and the host's save call).
#[derive(Debug, Default)]
pub struct WindowStore {
    shape: Mutex<WindowShape>,
}

impl WindowStore {
    /// The stored shape.
    pub fn get(&self) -> WindowShape {
        *self.shape.lock()
    }

    /// Records the window's current size in logical pixels and the compact switch.
    pub fn record(&self, width: f32, height: f32, compact: bool) {
        if !(width.is_finite() && height.is_finite()) {
            return;
        }
        let shape = WindowShape {
            width: width.round().max(0.0) as u32,
            height: height.round().max(0.0) as u32,
            compact,
        }
        .bounded();
        *self.shape.lock() = shape;
    }

    /// A fresh editor state at the stored size (call when the host opens the editor).
    pub fn editor_state(&self) -> Arc<EguiEditorState> {
        let shape = self.get();
        EguiEditorState::from_size(
            nice_plug::editor::dpi::LogicalSize::new(shape.width as f64, shape.height as f64),
            1.0,
        )
    }
}

impl<'a> PersistentField<'a, WindowShape> for WindowStore {
    fn set(&self, new_value: WindowShape) {
        *self.shape.lock() = new_value.bounded();
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&WindowShape) -> R,
    {
        f(&self.shape.lock())
    }
}

/// Parameters hold the store in an `Arc` so the window's session can share it.
impl<'a> PersistentField<'a, WindowShape> for Arc<WindowStore> {
    fn set(&self, new_value: WindowShape) {
        PersistentField::set(self.as_ref(), new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&WindowShape) -> R,
    {
        PersistentField::map(self.as_ref(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shape_round_trips_and_bad_sizes_are_bounded() {
        let store = WindowStore::default();
        assert_eq!(store.get(), WindowShape::default());
        store.record(900.4, 610.0, true);
        let saved = PersistentField::map(&store, serde_json::to_string).expect("json");
        let reopened = WindowStore::default();
        PersistentField::set(&reopened, serde_json::from_str(&saved).expect("parses"));
        assert_eq!(
            reopened.get(),
            WindowShape {
                width: 900,
                height: 610,
                compact: true
            }
        );
        // A project with a tiny or absurd size opens usable.
        PersistentField::set(
            &reopened,
            WindowShape {
                width: 10,
                height: 99_999,
                compact: false,
            },
        );
        assert_eq!(
            (reopened.get().width, reopened.get().height),
            (MIN_SIZE.0, MAX_SIDE)
        );
        // Non-finite sizes from a confused window system are ignored.
        reopened.record(f32::NAN, 700.0, false);
        assert_eq!(reopened.get().width, MIN_SIZE.0);
        // Older projects without the compact flag still load.
        let old: WindowShape = serde_json::from_str(r#"{"width":1000,"height":700}"#).expect("old");
        assert!(!old.compact);
        let state = reopened.editor_state();
        assert!(!state.is_open());
    }
}
