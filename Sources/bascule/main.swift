import BasculeCLI
