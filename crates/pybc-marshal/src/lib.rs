//! Reading `.pyc` files and marshal data of every CPython version.
//!
//! [`Pyc::parse`] splits a `.pyc` into its header (magic number, PEP 552
//! flags, timestamp or hash, source size) and the marshalled code object;
//! [`loads`] reads raw marshal data for a known version.

mod error;
mod pyc;
mod reader;

pub use error::{MarshalError, PycError};
pub use pyc::{Pyc, PycHeader, Validation};
pub use reader::{loads, Loaded, Reader, MAX_DEPTH};
