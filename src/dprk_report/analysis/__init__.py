"""Analysis behind the notebooks: pure functions from typed frames to tidy frames."""
