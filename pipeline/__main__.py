from pipeline.tools.cli import main

main()
