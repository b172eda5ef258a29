from thaadsim.cli import main

main()
