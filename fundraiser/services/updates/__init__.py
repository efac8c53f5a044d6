"""Updates organisers post, and the emails to supporters who asked for them."""
