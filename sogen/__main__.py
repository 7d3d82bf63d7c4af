from sogen.cli import main

main()
