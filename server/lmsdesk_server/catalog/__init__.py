"""The catalog students browse: wishlists and ratings."""
