"""Reports a committee can file: HTML, PDF, CSV and Excel of one package on one building."""
