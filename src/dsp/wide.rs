//! The 256-bit builds: hot loops are compiled twice, once portable and once with AVX2, and the
//! AVX2 copy runs where the CPU has it. The loops are written in eight lanes; the portable
//! build runs them as two 128-bit halves, the AVX2 one as one register (and with
//! three-operand instructions, so without register copies). No fused multiply-add is enabled
//! and Rust never contracts float operations, so each lane does the same IEEE operations in
//! the same order: both builds give the same numbers.
//!
//! The choice is made once, when a unit is prepared (`available`), and kept in the unit;
//! `wide_or_portable!` writes the dispatching function and its AVX2 copy.

/// Whether this CPU runs the 256-bit builds (AVX2): asked when a unit is prepared.
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines a function that runs `portable` (an `#[inline(always)]` function holding the work)
/// from a copy of it compiled with AVX2 when the unit's flag says the CPU has it (set from
/// `available` at prepare), else from the portable build.
///
/// A method: `fn name(&mut self, args..) -> R; on Type, portable method, wide if self.flag`
/// (also `&self`); a free or associated function: `fn name(args..) -> R; portable path, wide
/// if expression`.
macro_rules! wide_or_portable {
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident(&mut self $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)?;
        on $owner:ty, portable $portable:ident, wide if self.$flag:ident
    ) => {
        $(#[$attr])*
        $vis fn $name(&mut self $(, $arg: $ty)*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build(unit: &mut $owner $(, $arg: $ty)*) $(-> $ret)? {
                unit.$portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if self.$flag {
                $crate::dsp::wide::wide_or_portable!(@call wide_build(self $(, $arg)*))
            }
            self.$portable($($arg),*)
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) $(-> $ret:ty)?;
        on $owner:ty, portable $portable:ident, wide if self.$flag:ident
    ) => {
        $(#[$attr])*
        $vis fn $name(&self $(, $arg: $ty)*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build(unit: &$owner $(, $arg: $ty)*) $(-> $ret)? {
                unit.$portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if self.$flag {
                $crate::dsp::wide::wide_or_portable!(@call wide_build(self $(, $arg)*))
            }
            self.$portable($($arg),*)
        }
    };
    (
        $(#[$attr:meta])*
        $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)?;
        portable $portable:path, wide if $wide:expr
    ) => {
        $(#[$attr])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2")]
            fn wide_build($($arg: $ty),*) $(-> $ret)? {
                $portable($($arg),*)
            }
            #[cfg(target_arch = "x86_64")]
            if $wide {
                $crate::dsp::wide::wide_or_portable!(@call wide_build($($arg),*))
            }
            $portable($($arg),*)
        }
    };
    (@call $build:ident($($arg:expr),*)) => {
        // SAFETY: the one unsafe step of every 256-bit build. The flag that leads here is
        // set only from `dsp::wide::available()`, true only where this CPU has AVX2, so the
        // instructions `wide_build` was compiled with exist.
        return unsafe { $build($($arg),*) }
    };
}
pub(crate) use wide_or_portable;
