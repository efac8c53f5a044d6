"""The benchmark (`make bench`): not part of the app, nor of `make test`."""
