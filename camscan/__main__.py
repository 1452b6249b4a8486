from camscan.cli import main

main()
