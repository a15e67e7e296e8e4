"""Run chapter notebooks with papermill and turn them into an accessible, offline HTML site."""
