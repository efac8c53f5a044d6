"""Files organisers upload: pictures re-encoded without metadata, PDFs checked, stored."""
