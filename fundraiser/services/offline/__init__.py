"""Offline money: cash and bank transfers organisers enter by hand, counted in `raised`."""
