from sogen.cli.entry import main

main()
