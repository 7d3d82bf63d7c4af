from sogen.entry import main

main()
