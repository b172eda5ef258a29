"""defense"""
