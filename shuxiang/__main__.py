from shuxiang.cli import main

main()
