"""The Exercise page: backpropagation by hand on a tiny network, graded cell by cell."""
