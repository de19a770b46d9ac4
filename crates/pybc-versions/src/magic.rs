//! Magic numbers.
