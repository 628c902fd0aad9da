"""Pure analysis functions: frames and arrays in, frames and frozen results out."""
