"""Media: resumable uploads and entitled, ranged downloads."""
