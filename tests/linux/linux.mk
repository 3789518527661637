test-linux:
	@echo "# no Linux test yet"
