# The search index lives in backend-specific tables created by migrations (see backends/).
