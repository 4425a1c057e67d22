"""The storefront (DESIGN.md section 11.5): the public catalog over REST with full-text search,
and the public course page a browser opens."""
