"""What every domain's views share: rendering, errors, the API registry, forms and middleware."""
