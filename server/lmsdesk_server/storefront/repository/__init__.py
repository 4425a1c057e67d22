"""All SQL of the storefront."""
