"""Places: postcode to LSOA to Index of Multiple Deprivation decile, from the published files."""
