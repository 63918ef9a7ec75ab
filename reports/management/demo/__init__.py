"""The demo data set: twelve months of a Chinese B2B distributor, written through the services."""
