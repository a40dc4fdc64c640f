//! The article's specimens: each wrong variant beside its right one, one
//! file per family (examples 01-02, 03-04, the Arc study).

pub mod arc;
pub mod array;
pub mod counter;
